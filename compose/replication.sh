#!/bin/sh
# Lets the replica container stream from the primary (docker-compose.scale.yml). Runs once, when
# the primary's data directory is created.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
