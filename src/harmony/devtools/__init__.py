"""Developer, test and benchmark tools: synthetic Traktor collections (`harmony dev gen-collection`) and the
demo (`harmony demo`)."""

from harmony.devtools.collection_gen import SUPPORTED_VERSIONS, GeneratedCollection, generate_collection
from harmony.devtools.demo import prepare_demo

__all__ = ["SUPPORTED_VERSIONS", "GeneratedCollection", "generate_collection", "prepare_demo"]
