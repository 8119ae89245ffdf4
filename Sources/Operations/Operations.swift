// The operations seam (DESIGN.md "Operations seam"): the vocabulary the console and the CLI
// share — what they ask and what comes back — with no backend imported. Each backend
// implements these protocols once, beside its technology; RefarchCLI only chooses and wires.
//
// One file per area (products and search, sync, queues and dead letters, workers; next:
// services, database, index, alerts, trace), so a new console view adds one protocol
// method to its area's file, or one file for a new area.

/// Everything the console asks of the system: one protocol per area, composed. The console's
/// effect runner calls these off the main thread; each only awaits (blocking C calls run on
/// the clients' own threads).
public typealias SystemOperations = ProductOperations & SyncOperations & SyncPauseOperations & QueueOperations & WorkerOperations
    & ProductTracing & ServiceOperations & AlertOperations & DatabaseOperations & IndexOperations
