// The operations seam (DESIGN.md "Operations seam"): the vocabulary the console and the CLI
// share — what they ask and what comes back — with no backend imported. Each backend
// implements these protocols once, beside its technology; RefarchCLI only chooses and wires.
//
// One file per area (search and products, sync, queues and dead letters, workers, services,
// database, index, alerts, trace), so a new console view adds one file here at most.
