_("one"); _("two"); _("three");
