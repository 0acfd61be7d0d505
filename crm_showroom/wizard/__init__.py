from . import showroom_followup_done
from . import showroom_followup_cancel
from . import showroom_followup_instruction
from . import mail_activity_schedule
from . import showroom_care_year
from . import showroom_care_day_preview
from . import showroom_fine_waive
from . import showroom_fine_correct
from . import showroom_inspection_run
# ownership conflicts (R7)
from . import showroom_conflict_rule
# Handover (G1)
from . import showroom_handover
from . import showroom_handover_line
from . import crm_lead_lost
from . import showroom_lost_reject
