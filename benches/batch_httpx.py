"""What users write today: asyncio + httpx, N concurrent POSTs of the same JSON, no signing.

usage: python batch_httpx.py URL N CONCURRENCY
"""
import asyncio
import json
import sys
import time

import httpx


async def main(url: str, n: int, conc: int) -> None:
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}]}).encode()
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    ok = 0
    queue: asyncio.Queue = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def worker() -> None:
            nonlocal ok
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                r = await client.post(url, content=body, headers={"content-type": "application/json"})
                r.json()
                ok += r.status_code == 200

        t = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        wall = time.perf_counter() - t
    print(f"python-httpx: {n} requests, {ok} ok, {wall:.2f} s, {n / wall:.1f} req/s")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
