import Foundation
import CWMTestSupport
import Testing

extension EMFSchema {
    /// Records every problem of `line` as a test issue and returns the parsed document.
    @discardableResult
    static func check(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [String: Any] {
        for problem in problems(line) { Issue.record("EMF document: \(problem)", sourceLocation: sourceLocation) }
        return (try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]) ?? [:]
    }
}
