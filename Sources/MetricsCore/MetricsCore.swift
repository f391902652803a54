// MetricsCore: the instruments a program records into (Counter, Gauge,
// Histogram), the MetricsManager that cuts them into delta windows and turns
// each window into immutable MetricSnapshot values, the Sink protocol those
// snapshots are exported through, and the per-sink export workers in between
// (bounded queue, retries, counted drops, drain on shutdown).
//
// The data's way, one type per arrow:
//
//   app thread --increment()/record()--> Counter / Gauge / Histogram (atomics)
//     --MetricsManager tick--> [MetricSnapshot] (one delta window, immutable)
//     --ExportWorker (one per sink: bounded queue, retry, drop-with-event)-->
//     Sink.export(_:) --> the wire
//
// Besides the toolchain (Foundation, Synchronization) this module imports
// only the package's lock and its CPU-number shim, and never a sink: sinks
// depend on it, not the other way.
//
// Imports: CWMLocking, CCWMCPU.
