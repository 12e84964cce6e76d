import argparse
import json
import os

from salon_infra.migrations import main_for

migrate = main_for("scheduling", "scheduling")


def resync_busy_times(argv=None) -> None:
    """Rebuild companies' copies of busy times from bookings, through the running scheduling service."""
    parser = argparse.ArgumentParser(description=resync_busy_times.__doc__)
    parser.add_argument("company_ids", nargs="+", type=int, metavar="COMPANY_ID")
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI") or "amqp://guest:guest@localhost:5672/")
    parser.add_argument("--check", action="store_true", help="only report whether each copy has drifted")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    from nameko.standalone.rpc import ClusterRpcProxy  # only this command needs it

    with ClusterRpcProxy({"AMQP_URI": args.amqp_uri}, timeout=args.timeout) as cluster:
        method = cluster.scheduling.check_busy_times if args.check else cluster.scheduling.resync_busy_times
        for company_id in args.company_ids:
            print(json.dumps({"company_id": company_id, **method(company_id)}), flush=True)
