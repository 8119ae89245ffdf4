// The queue layer: the two implementations of `Catalog.JobQueue`.
//
// `PostgresJobQueue` keeps SQS FIFO semantics in the catalog database (the embedded
// default); `SQSJobQueue` maps the same protocol onto an SQS FIFO queue and its FIFO DLQ.
// Code above this layer (pelican, emu, the CLI, the console) sees only `JobQueue` and picks
// the backend from configuration: `SQS_QUEUE_URL` set means SQS, unset the Postgres queue.
//
// This layer owns no threads: Postgres work runs on the connections' own threads and AWS
// calls on the HTTP client's, both only awaited here. It must not import the console or
// the embedder.
