"""亩均论英雄: evaluation schemes, the engine that applies them, and (in the platform) runs,
results, reports and low-efficiency land. `engine`, `scheme` and `sheets` need no Django."""
