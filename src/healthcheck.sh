#!/bin/sh
# /usr/lib/pihpc/healthcheck - Slurm's HealthCheckProgram (slurm.conf with
# health_check = yes in cluster.conf).  slurmd runs it as root without
# arguments; pihpc doctor drains this node while a check fails and resumes
# its own drains, never one of a person.  See pihpc-doctor(8).
exec /usr/sbin/pihpc doctor --health "$@"
