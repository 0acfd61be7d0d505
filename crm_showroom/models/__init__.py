from . import crm_team
from . import showroom_grade
from . import showroom_feedback_reason
from . import showroom_source_channel
from . import mail_activity_type
from . import mail_activity
from . import crm_lead
