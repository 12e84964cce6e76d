"""JSON on the wire for every nameko service, through orjson.

The wire format stays plain application/json (the gateway and the relay speak it too);
only the encoder changes. Nameko encodes every RPC reply twice (a serializability check,
then the publish), so for large answers such as slot search this is measurable.
"""

import orjson
from kombu.serialization import register

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)


def use_orjson_for_json() -> None:
    register("json", dumps, orjson.loads, content_type="application/json", content_encoding="utf-8")
