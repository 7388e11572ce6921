import sys

from pyfermijobs.cli import main

sys.exit(main())
