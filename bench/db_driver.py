"""The database driver under eventlet: psycopg2, with and without eventlet's wait callback.

    .venv/bin/python bench/db_driver.py

Each run is a fresh process, as a nameko service is: 10 green threads each run
`SELECT pg_sleep(0.2)` (does the hub keep running while PostgreSQL works?), then one
green thread runs 2,000 `SELECT 1` (what does cooperation cost per query?).
"""

import subprocess
import sys

PROBE = r"""
import sys, time
import eventlet
eventlet.monkey_patch(psycopg=sys.argv[1] == "green")
import psycopg2, psycopg2.extensions
dsn = "host=127.0.0.1 user=postgres dbname=postgres"
def nap():
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.2)")
pool = eventlet.GreenPool()
started = time.perf_counter()
for _ in range(10):
    pool.spawn(nap)
pool.waitall()
concurrent = time.perf_counter() - started
connection = psycopg2.connect(dsn)
cursor = connection.cursor()
started = time.perf_counter()
for _ in range(2000):
    cursor.execute("SELECT 1")
    cursor.fetchall()
per_query = (time.perf_counter() - started) / 2000 * 1e6
callback = psycopg2.extensions.get_wait_callback() is not None
print(f"| {sys.argv[1]} | {callback} | {concurrent:.2f} s | {per_query:.0f} us |")
"""


def main() -> None:
    print("| psycopg2 | wait callback | 10 x pg_sleep(0.2) at once | SELECT 1 round trip |")
    print("|---|---|---|---|")
    for mode in ("plain", "green"):
        result = subprocess.run([sys.executable, "-W", "ignore", "-c", PROBE, mode], capture_output=True, text=True)
        print(result.stdout.strip() or result.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
