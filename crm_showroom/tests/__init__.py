from . import test_entry_standard
from . import test_followup
from . import test_followup_sweep
from . import test_security
from . import test_performance
