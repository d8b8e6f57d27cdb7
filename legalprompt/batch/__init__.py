"""Batch processing: document readers, input expansion, and (elsewhere) the resumable runner."""
