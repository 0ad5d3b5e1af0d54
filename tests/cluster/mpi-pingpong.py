#!/usr/bin/python3
# An MPI program as the cluster's users run them (OpenMPI from Debian, through
# mpi4py): every rank reports its host, then a message goes from rank 0 to
# rank 1 and back.  Launched by srun without --mpi: MpiDefault in slurm.conf
# must already pick PMIx.
import socket
import sys

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
print(f"rank {rank} of {size} on {socket.gethostname()}", flush=True)
if size < 2:
    sys.exit(f"rank {rank}: needs 2 ranks or more, got {size}")
if rank == 0:
    token = {"from": socket.gethostname(), "hops": 0}
    comm.send(token, dest=1, tag=1)
    back = comm.recv(source=1, tag=2)
    print(f"rank 0: message came back from {back['by']} after {back['hops']} hops",
          flush=True)
elif rank == 1:
    token = comm.recv(source=0, tag=1)
    token.update(hops=token["hops"] + 2, by=socket.gethostname())
    comm.send(token, dest=0, tag=2)
comm.Barrier()
