"""Analysis: what the data shows across issues (regroupings, rates, recurrence, promises and their deadlines). Derived at every build, never stored; imports data/ and files/."""
