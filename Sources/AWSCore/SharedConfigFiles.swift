import Foundation

/// The shared AWS files, `~/.aws/credentials` and `~/.aws/config`, as the
/// CLI and SDKs read them.
///
/// - Files: `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`, else the
///   defaults under `$HOME/.aws/`.
/// - Profile: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
/// - Sections: `[name]` in the credentials file; `[profile name]` (and
///   `[default]`) in the config file. For the same key the credentials
///   file wins.
///
/// Printing, dumping or mirroring a value shows the profile name, the files
/// and the setting names, never their values (they hold secret keys).
public struct SharedConfigFiles: Sendable, CustomStringConvertible, CustomReflectable {
    /// The selected profile's name.
    package let profileName: String
    /// Whether the profile was named (`profile:`, `AWS_PROFILE` or
    /// `AWS_DEFAULT_PROFILE`) rather than `default` by default: a named
    /// profile that does not exist, or gives no credentials, is an error,
    /// never a fall-through to another identity.
    package let isProfileNamed: Bool
    /// The selected profile's settings, both files merged.
    package let settings: [String: String]
    /// The files that were read (existing ones only).
    package let sources: [String]
    /// Every profile's settings, both files merged (`source_profile` chains).
    package let profiles: [String: [String: String]]
    /// The `[sso-session NAME]` sections of the config file.
    package let ssoSessions: [String: [String: String]]

    /// Reads the files the environment points at. Missing files are simply empty.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, profile: String? = nil) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].map(Self.expand) ?? "\(home)/.aws/credentials"
        let configPath = environment["AWS_CONFIG_FILE"].map(Self.expand) ?? "\(home)/.aws/config"
        let named = profile ?? Self.nonEmpty(environment["AWS_PROFILE"]) ?? Self.nonEmpty(environment["AWS_DEFAULT_PROFILE"])
        let name = named ?? "default"
        var sources: [String] = []
        var profiles: [String: [String: String]] = [:]
        var ssoSessions: [String: [String: String]] = [:]
        if let text = try? String(contentsOfFile: configPath, encoding: .utf8) {
            sources.append(configPath)
            for (section, values) in Self.parse(text) {
                if section == "default" || section == "profile default" {
                    profiles["default", default: [:]].merge(values) { _, new in new }
                } else if section.hasPrefix("profile ") {
                    profiles[String(section.dropFirst("profile ".count)), default: [:]].merge(values) { _, new in new }
                } else if section.hasPrefix("sso-session ") {
                    ssoSessions[String(section.dropFirst("sso-session ".count))] = values
                }
            }
        }
        if let text = try? String(contentsOfFile: credentialsPath, encoding: .utf8) {
            sources.append(credentialsPath)
            // For the same key the credentials file wins.
            for (section, values) in Self.parse(text) {
                profiles[section, default: [:]].merge(values) { _, new in new }
            }
        }
        profileName = name
        isProfileNamed = named != nil
        settings = profiles[name] ?? [:]
        self.sources = sources
        self.profiles = profiles
        self.ssoSessions = ssoSessions
    }

    /// Whether the selected profile has a section in either file.
    package var profileExists: Bool { profiles[profileName] != nil }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    public var description: String {
        "SharedConfigFiles(profile: \(profileName), sources: \(sources), settings: \(settings.keys.sorted()))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["profileName": profileName, "sources": sources, "settingNames": settings.keys.sorted()],
               displayStyle: .struct)
    }

    private static func expand(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    /// INI as the AWS files use it: `[section]`, `key = value`, comments
    /// starting with `#` or `;`, indented lines belong to the previous key
    /// (nested settings; ignored here). Keys are lower-cased.
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                    .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
            } else if let current, let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                // An inline comment needs whitespace before it, as in botocore.
                for marker in [" #", " ;", "\t#", "\t;"] {
                    if let range = value.range(of: marker) { value = String(value[..<range.lowerBound]) }
                }
                sections[current]?[key] = value.trimmingCharacters(in: .whitespaces)
            }
        }
        return sections
    }
}
