"""Developer, test and benchmark tools: synthetic Traktor collections (`harmony dev gen-collection`) and the
demo (`harmony demo`)."""

from harmony.devtools.collection_gen import SUPPORTED_VERSIONS, GeneratedCollection, generate_collection
from harmony.devtools.demo import keep_demo_settings, prepare_demo

__all__ = ["SUPPORTED_VERSIONS", "GeneratedCollection", "generate_collection", "keep_demo_settings", "prepare_demo"]
