from . import vin
from . import showroom_day
from . import contact
from . import plate
from . import receivables
from . import visit
