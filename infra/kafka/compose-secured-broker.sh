#!/bin/bash
# The broker of the compose profile `secured` (docker-compose.yml mounts what it reads): formats
# its storage once, creating the SCRAM users of format.args, then runs Kafka with the
# server.properties that `sonar stack compose-files` rendered from server.properties and
# server-secure.properties, as `sonar stack up --secure` does.
set -euo pipefail
config=/etc/sonar/kafka
# Its output lists the SCRAM records (salts and keys): never shown.
/opt/kafka/bin/kafka-storage.sh format --standalone --cluster-id "$(cat "$config/cluster.id")" --ignore-formatted \
  --config "$config/server.properties" "@$config/format.args" > /dev/null
exec /opt/kafka/bin/kafka-server-start.sh "$config/server.properties"
