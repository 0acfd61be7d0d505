from . import showroom_receivable_report
from . import report_showroom_statement
from . import showroom_campaign_report
from . import showroom_followup_dashboard
from . import showroom_fine_statement
from . import showroom_funnel_report
from . import showroom_sale_composition_report
