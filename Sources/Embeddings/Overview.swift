// Embeddings: the native all-MiniLM-L6-v2 sentence embedder (any BERT sentence model folder).
//
// Owns: reading a Hugging Face model folder (BertConfig, SafeTensorsFile, BertWeights,
// MiniLMModel), the WordPiece tokenizer (BertTokenizer, ByteVocabulary), the forward pass
// (BertEncoder on cblas_sgemm plus the C kernels of CMiniLMKernels), chunking (TextChunker),
// and the Catalog.Embedder implementation that schedules work on its own threads
// (MiniLMEmbedder, SpinTeam).
//
// It is the only importer of COpenBLAS and CMiniLMKernels; C pointers stop here. It must not
// import Postgres, AWS or anything above Catalog: search and the workers see only `Embedder`.
