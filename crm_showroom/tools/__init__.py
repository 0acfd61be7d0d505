from . import vin
from . import showroom_day
