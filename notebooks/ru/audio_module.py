"""The documented ``audio.py`` module, for the g4f pinned in requirements.txt (8.8.6).

The same steps as the documentation: an ``AsyncClient`` with ``PollinationsAI``; speech saved as
``alloy.mp3``; ``audio.wav`` transcribed and printed; ``asyncio.run(main())`` when run as a script.
Two changes: ``g4f.Provider.Microsoft_Phi_4`` no longer exists, so transcription uses
``PollinationsAudio`` (notebook 03 tells why); and the clip goes into ``output/``, the folder git
ignores, like everything the notebooks write; and transcription uses your own ``POLLINATIONS_API_KEY``
when it is set (g4f's public key has had no budget since August 2026).

Run it from this folder: ``python audio_module.py`` (replay mode unless G4F_TUTORIAL_MODE says otherwise).
"""

import asyncio
import os

import g4f
from g4f.client import AsyncClient


async def main():
    """Generate speech and save it as output/alloy.mp3, then transcribe audio.wav and print the text."""
    client = AsyncClient(provider=g4f.Provider.PollinationsAI)

    response = await client.chat.completions.create(
        model="openai-audio",
        messages=[{"role": "user", "content": "Say good day to the world"}],
        audio={"voice": "alloy", "format": "mp3"},
    )
    os.makedirs("output", exist_ok=True)
    if os.path.exists("output/alloy.mp3"):  # save() moves the file into place; Windows cannot replace one
        os.remove("output/alloy.mp3")
    response.choices[0].message.save("output/alloy.mp3")

    with open("audio.wav", "rb") as audio_file:
        response = await client.chat.completions.create(
            messages="Transcribe this audio",
            provider=g4f.Provider.PollinationsAudio,
            api_key=os.environ.get("POLLINATIONS_API_KEY") or g4f.Provider.PollinationsAudio.public_key,
            media=[[audio_file, "audio.wav"]],
            modalities=["text"],
        )
        print(response.choices[0].message.content)


if __name__ == "__main__":
    import helpers  # the tutorial's replay/live/record switch; leave it out to always go online

    helpers.start()
    asyncio.run(main())
