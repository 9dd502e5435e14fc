// The message handlers; filled in by the handlers work.
import NodeRuntime
