"""``python -m newstui`` is the ``newstui`` command."""

import sys

from newstui.cli import main

sys.exit(main())
