"""The phone voice menu: a FastAGI server that Asterisk hands a call to (``okno ivr``).

Layers, from the wire up: ``codec`` (AGI's text lines), ``transport`` (one call's
socket), ``driver`` (the channel's commands: play, collect digits, transfer), ``line``
(what a menu says and asks, played from cached prompts), ``menus`` (the dialogue, pure
logic over a line and the hub), ``agent`` (the FastAGI server), ``sim`` (an Asterisk that
calls it, as strict as the AGI reference), ``bench`` and ``cli`` on top.
"""
