print("messenger: not built yet")
