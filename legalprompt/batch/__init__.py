"""Batch processing: chunking, the resumable runner and its manifest (documents are read by `legalprompt.documents`)."""
