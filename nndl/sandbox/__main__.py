"""``python -m nndl.sandbox``: print which sandbox protections are active on this machine."""

from nndl.sandbox import report_protections

if __name__ == "__main__":
    print("\n".join(report_protections()))
