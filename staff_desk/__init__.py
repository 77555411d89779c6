"""Staff desk units: buttons and a status light on gpiozero that call visitors, never twice."""
