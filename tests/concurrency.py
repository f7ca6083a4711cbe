"""Run jobs in threads released at the same moment: the tool of the PostgreSQL race tests."""

import threading

from django.db import connection


def run_together(jobs, *, what: str = "a job") -> list:
    """Run each job in its own thread, all released together by a barrier; re-raise any failure
    in the calling thread and return the jobs' results. Each thread closes its own database
    connection so the test database can be dropped afterwards."""
    barrier = threading.Barrier(len(jobs))
    failures, results = [], []

    def run(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except BaseException as exc:  # reported to the main thread below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), f"{what} never finished"
    assert not failures, failures
    return results
