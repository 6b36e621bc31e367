"""The longarm engine: store, loading, validation, ownership analytics and reach inference."""
