#!/bin/sh
# /usr/libexec/pihpc/healthcheck - Slurm's HealthCheckProgram, in
# slurm.conf when cluster.conf says health_check = yes.  slurmd runs it as
# root without arguments; pihpc doctor drains this node while a check
# fails and resumes its own drains, never one of a person.  See
# pihpc-doctor(8).
exec /usr/sbin/pihpc doctor --health "$@"
