"""The store's queries beyond posts and labels, one module per concern: what the people
features, the mentor directory, the Insights figures and the trainee's own records read and
write. `Store` exposes each as a method; nothing outside `store/` builds SQL."""
