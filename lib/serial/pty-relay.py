"""Two linked pseudo-terminals, like `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`.

Bytes written to one end come out of the other. Used where socat is not installed: the tests
and the demo need only Node and python3. Exits when its parent closes stdin.
"""
import errno
import os
import pty
import select
import sys
import tty


def main(link_a: str, link_b: str) -> None:
    master_a, slave_a = pty.openpty()
    master_b, slave_b = pty.openpty()
    for fd in (slave_a, slave_b):
        tty.setraw(fd)  # no echo, no line discipline: a serial line carries bytes, not text
    for link, fd in ((link_a, slave_a), (link_b, slave_b)):
        try:
            os.unlink(link)
        except FileNotFoundError:
            pass
        os.symlink(os.ttyname(fd), link)
    # The slaves stay open here, so an end that is closed and opened again keeps working.
    print("ready", flush=True)
    peer = {master_a: master_b, master_b: master_a}
    while True:
        readable, _, _ = select.select([master_a, master_b, sys.stdin.fileno()], [], [])
        for fd in readable:
            if fd == sys.stdin.fileno():
                if not os.read(fd, 64):
                    return
                continue
            try:
                data = os.read(fd, 4096)
            except OSError as err:
                if err.errno == errno.EIO:
                    continue
                raise
            os.write(peer[fd], data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
