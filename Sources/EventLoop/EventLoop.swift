// The event loop; filled in by the event-loop work.
import CLibevent
