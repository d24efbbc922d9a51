"""Baseline of `sonar bench`: the trainer's job as a data scientist would write it,
confluent-kafka (librdkafka) and scikit-learn's SGDClassifier on mini-batches of 32.
Reads BENCH_BROKERS, BENCH_TOPIC (JSON readings), BENCH_GROUP, BENCH_COUNT and the
kafkajs consumers' fetch sizes (BENCH_FETCH_PARTITION_BYTES, BENCH_FETCH_MAX_BYTES,
BENCH_FETCH_WAIT_MS); prints {"first": ms, "last": ms, "count": n} once it has seen
BENCH_COUNT records, like noop-consumer.ts."""
import json
import os
import time

import numpy as np
from confluent_kafka import Consumer, KafkaException
from sklearn.linear_model import SGDClassifier

BATCH = 32
env = os.environ
target = int(env["BENCH_COUNT"])
consumer = Consumer({
    "bootstrap.servers": env["BENCH_BROKERS"],
    "group.id": env["BENCH_GROUP"],
    "auto.offset.reset": "earliest",
    # The fetches the kafkajs consumers make; auto-commit left on, as a user would.
    "max.partition.fetch.bytes": int(env["BENCH_FETCH_PARTITION_BYTES"]),
    "fetch.max.bytes": int(env["BENCH_FETCH_MAX_BYTES"]),
    "fetch.wait.max.ms": int(env["BENCH_FETCH_WAIT_MS"]),
})
consumer.subscribe([env["BENCH_TOPIC"]])
model = SGDClassifier(loss="log_loss")
features, labels = [], []
count = first = 0
while count < target:
    for message in consumer.consume(num_messages=BATCH, timeout=1.0):
        if message.error():
            raise KafkaException(message.error())
        if count == 0:
            first = time.time() * 1000
        count += 1
        reading = json.loads(message.value())
        if reading.get("label") is None:
            continue
        features.append(reading["features"])
        labels.append(1 if reading["label"] == "R" else 0)
        if len(labels) == BATCH:
            model.partial_fit(np.array(features), np.array(labels), classes=[0, 1])
            features, labels = [], []
last = time.time() * 1000
consumer.close()
print(json.dumps({"first": first, "last": last, "count": count}))
