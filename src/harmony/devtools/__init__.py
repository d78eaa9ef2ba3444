"""Developer, test and benchmark tools: synthetic Traktor collections (`harmony dev gen-collection`)."""

from harmony.devtools.collection_gen import GeneratedCollection, generate_collection

__all__ = ["GeneratedCollection", "generate_collection"]
