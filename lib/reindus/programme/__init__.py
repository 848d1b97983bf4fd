"""The programme: projects, stages, KPIs and what may be shown publicly."""
