"""Apache Avro for Python beside the Avro reading codec, through test-support/avro-python.ts:
the codec's interop test, and integration tests that feed the services records written here.

One JSON request on stdin, one JSON answer on stdout:
  {"op": "describe", "schema": PATH}                 -> {"canonical", "fingerprint", "fingerprint_by"}
  {"op": "encode", "schema": PATH, "readings": [..]} -> {"records": [hex, ..]}
  {"op": "decode", "schema": PATH, "records": [..]}  -> {"readings": [..]}
  {"op": "decode-datums", "schema": PATH, "records": [..]} -> {"datums": [..]}
     any schema's records, each datum as JSON (doubles exactly: Python prints repr)
  {"op": "produce", "schema": PATH, "brokers": "h:p,..", "topic": T, "readings": [..]}
     -> {"produced": n}: each reading encoded, then published in order by
     confluent-kafka (librdkafka), idempotent
A reading is {"id", "features", "label", "holdout", "ts"}, each feature the 16 hex
digits of its little-endian IEEE 754 bits, so every double crosses exactly.
Records are Avro single-object encoding: C3 01, the schema's CRC-64-AVRO
fingerprint (8 bytes, little-endian), the binary datum.
"""
import io
import json
import struct
import sys

import avro.io
import avro.schema

MARKER = b"\xc3\x01"
EMPTY = 0xC15D213AA4D7A795


def crc64_avro(data):
    """The Avro specification's fingerprint, for libraries without one (avro < 1.11.2)."""
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    fp = EMPTY
    for byte in data:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp.to_bytes(8, "little")


def fingerprint(schema):
    if hasattr(schema, "fingerprint"):
        return schema.fingerprint("CRC-64-AVRO"), "library"
    return crc64_avro(schema.canonical_form.encode("utf-8")), "specification"


def encode(schema, reading):
    datum = dict(reading, features=[struct.unpack("<d", bytes.fromhex(f))[0] for f in reading["features"]])
    out = io.BytesIO()
    out.write(MARKER + fingerprint(schema)[0])
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
    return out.getvalue().hex()


def decode(schema, record):
    datum = decode_datum(schema, record)
    return dict(datum, features=[struct.pack("<d", f).hex() for f in datum["features"]])


def decode_datum(schema, record):
    data = bytes.fromhex(record)
    header = MARKER + fingerprint(schema)[0]
    if data[: len(header)] != header:
        raise ValueError(f"not a single-object record of this schema: {data[:10].hex()}")
    stream = io.BytesIO(data[len(header) :])
    datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(stream))
    if stream.tell() != len(data) - len(header):
        raise ValueError("bytes follow the datum")
    return datum


def produce(schema, brokers, topic, readings):
    from confluent_kafka import Producer

    # Idempotent: a retried batch neither repeats nor reorders records.
    producer = Producer({"bootstrap.servers": brokers, "enable.idempotence": True, "linger.ms": 5})
    failures = []
    report = lambda error, _message: error is not None and failures.append(str(error))
    for reading in readings:
        producer.produce(topic, bytes.fromhex(encode(schema, reading)), on_delivery=report)
        producer.poll(0)
    left = producer.flush(60)
    if left or failures:
        raise RuntimeError(f"{left} records unsent, {len(failures)} failed: {failures[:3]}")
    return len(readings)


def main():
    request = json.load(sys.stdin)
    with open(request["schema"], encoding="utf-8") as f:
        schema = avro.schema.parse(f.read())
    if request["op"] == "describe":
        fp, by = fingerprint(schema)
        answer = {"canonical": schema.canonical_form, "fingerprint": fp.hex(), "fingerprint_by": by}
    elif request["op"] == "encode":
        answer = {"records": [encode(schema, r) for r in request["readings"]]}
    elif request["op"] == "decode":
        answer = {"readings": [decode(schema, r) for r in request["records"]]}
    elif request["op"] == "decode-datums":
        answer = {"datums": [decode_datum(schema, r) for r in request["records"]]}
    elif request["op"] == "produce":
        answer = {"produced": produce(schema, request["brokers"], request["topic"], request["readings"])}
    else:
        raise ValueError(f"unknown op {request['op']}")
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
