"""The benchmark suite: de-identification cost per document, proxy latency and streaming."""
