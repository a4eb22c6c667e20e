"""Runs the Python examples (examples/python/<name>.py) named on the command line in one interpreter: each one
synthesizes into $CDK8S_OUTDIR as `python examples/python/<name>.py` would."""
import importlib.util
import os
import sys

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python")

for name in sys.argv[1:]:
    module = name.replace("-", "_")
    spec = importlib.util.spec_from_file_location(module, os.path.join(EXAMPLES, f"{module}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main()
