from . import vin
