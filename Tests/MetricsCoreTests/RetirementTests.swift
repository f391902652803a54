import Foundation
import Testing
@testable import MetricsCore

/// The orders a retirement can race an observation in, made to happen
/// deterministically (see SeriesLife), and the freeing of retired series.
@Suite("Series retirement", .timeLimit(.minutes(3)))
struct RetirementTests {
    private func registryWithCounter() -> (SeriesRegistry, Counter) {
        let registry = SeriesRegistry()
        let control = RecordingControl(disabled: false, eventSinks: [], wallClock: SystemWallClock(), registry: registry)
        let counter = registry.series(name: "A", kind: .counter, dimensions: [("k", "v")], as: Counter.self) {
            Counter(descriptor: SeriesDescriptor(name: $0, kind: .counter, unit: .count, dimensions: $1, hash: $2), control: control)
        }!
        return (registry, counter)
    }

    /// What the window cut finds with an expiry of one window: every series
    /// of `series` idle in it (nothing observed), counted as the cut counts.
    private func idleAfterOneWindow(_ series: ContiguousArray<any RegisteredSeries>) -> [ObjectIdentifier] {
        series.filter { $0.windowEnded(observed: false) >= 1 }.map { ObjectIdentifier($0) }
    }

    @Test("an observation after the cut read the series idle, before it was retired: the series is kept")
    func observationBeforeRetirement() {
        let (registry, counter) = registryWithCounter()
        let series = registry.all()          // the cut's view: nothing observed in the window
        counter.increment()                  // lands between the cut's read and the retirement
        #expect(registry.retire(idleAfterOneWindow(series)) == 0)
        #expect(registry.count == 1)
    }

    @Test("a transient holder (a put between lookup and record) records after the retirement and lets go: not lost")
    func transientHolder() {
        let (registry, counter) = registryWithCounter()
        var transient: Counter? = counter
        _ = consume counter
        #expect(registry.retire(idleAfterOneWindow(registry.all())) == 1)
        transient?.increment(by: 3)
        transient = nil                                   // freed, with an observation in it
        #expect(registry.reviveRecordedInto() == 0)
        let window = CollectionWindow(start: Date(), end: Date())
        #expect(registry.takeSalvaged().compactMap { $0(window) }.map(\.sum) == [3])
    }

    @Test("an observation after the retirement brings the series back at the next cut, with the observation")
    func observationAfterRetirement() {
        let (registry, counter) = registryWithCounter()
        #expect(registry.retire(idleAfterOneWindow(registry.all())) == 1)
        #expect(registry.count == 0)
        counter.increment(by: 2)
        #expect(registry.reviveRecordedInto() == 1)
        #expect(registry.count == 1)
        #expect(registry.all().first.map { $0 === counter } == true)
        let window = CollectionWindow(start: Date(), end: Date())
        #expect(counter.collect(window)?.sum == 2)
    }

    @Test("isExpired: false while live, true once retired, false again once an observation brings it back")
    func isExpired() {
        let (registry, counter) = registryWithCounter()
        #expect(!counter.isExpired)
        #expect(registry.retire(idleAfterOneWindow(registry.all())) == 1)
        #expect(counter.isExpired)
        counter.increment()
        #expect(registry.reviveRecordedInto() == 1)
        #expect(!counter.isExpired)
    }

    @Test("a retired series is freed as soon as nobody holds it")
    func freed() {
        let registry = SeriesRegistry()
        let control = RecordingControl(disabled: false, eventSinks: [], wallClock: SystemWallClock(), registry: registry)
        weak var weakCounter: Counter?
        do {
            let counter = registry.series(name: "B", kind: .counter, dimensions: [("k", "v")], as: Counter.self) {
                Counter(descriptor: SeriesDescriptor(name: $0, kind: .counter, unit: .count, dimensions: $1, hash: $2), control: control)
            }!
            weakCounter = counter
            #expect(registry.retire(idleAfterOneWindow(registry.all())) == 1)
            #expect(registry.reviveRecordedInto() == 0)   // held here, idle: stays retired
            #expect(weakCounter != nil)
        }
        #expect(weakCounter == nil)                       // nobody holds it: freed
        #expect(registry.reviveRecordedInto() == 0)
        #expect(registry.takeSalvaged().isEmpty)          // it held nothing
    }
}
