from os.path import isfile, join

from odoo import models
from odoo.modules import get_module_path
from odoo.tools.translate import TranslationImporter

# Terms of stock Odoo records our roles see and Odoo's own translation lacks (e.g.
# Invoicing's "Reporting" menu, left in English in account's zh_CN.po). They live apart
# from i18n/<lang>.po, which is regenerated from this module's own .pot.
STOCK_TERMS_DIR = "i18n_extra"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Odoo loads ``i18n_extra/<lang>.po`` with the module's other files but keeps a
        term a record already has: Odoo's own (English) "translation" of a stock menu,
        loaded when its module or the language was installed, would win. Our terms of
        stock records are loaded again over them, whenever crm_showroom's terms load."""
        super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        module_path = "crm_showroom" in modules and not imported_module and get_module_path("crm_showroom")
        if not module_path:
            return
        importer = TranslationImporter(self.env.cr, verbose=False)
        for lang in langs:
            po_path = join(module_path, STOCK_TERMS_DIR, f"{lang}.po")
            if isfile(po_path):
                importer.load_file(po_path, lang)
        importer.save(force_overwrite=True)
