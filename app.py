from multilateral import create_app

app = create_app()
