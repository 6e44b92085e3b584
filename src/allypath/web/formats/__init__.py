"""allypath's own date formats where Django's locale differs from the house style (FORMAT_MODULE_PATH)."""
