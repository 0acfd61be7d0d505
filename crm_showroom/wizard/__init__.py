from . import showroom_followup_done
from . import showroom_followup_cancel
from . import showroom_followup_instruction
from . import mail_activity_schedule
from . import showroom_care_year
from . import showroom_care_day_preview
