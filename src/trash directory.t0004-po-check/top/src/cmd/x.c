N_("four");
